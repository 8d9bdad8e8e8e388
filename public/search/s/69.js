scholiaSearch.shard("i",{"w":{},"p":{},"e":{"i":[13,0]},"d":{"13":["Yazid I","glossary/yazid/index.html","person","died 683"]}});
