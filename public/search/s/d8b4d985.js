scholiaSearch.shard("شم",{"w":{},"p":{},"e":{"شمخانی":[5,1]},"d":{"5":["Ali Shamkhani","glossary/shamkhani/index.html","person","born 1955"]}});
