scholiaSearch.shard("ki",{"w":{"killing":"kill"},"p":{"kill":[0,12,177]},"e":{},"d":{}});
