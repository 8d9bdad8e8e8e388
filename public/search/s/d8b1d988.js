scholiaSearch.shard("رو",{"w":{},"p":{},"e":{"روحانی":[7,1]},"d":{"7":["Hassan Rouhani","glossary/rouhani/index.html","person","born 12 November 1948"]}});
