scholiaSearch.shard("ها",{"w":{},"p":{},"e":{"هاشمی":[6,1]},"d":{"6":["Akbar Hashemi Rafsanjani","glossary/rafsanjani/index.html","person","25 August 1934 – 8 January 2017"]}});
