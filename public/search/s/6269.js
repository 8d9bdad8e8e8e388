scholiaSearch.shard("bi",{"w":{"bipartisan":"bipartisan"},"p":{"bipartisan":[0,3,231]},"e":{},"d":{}});
