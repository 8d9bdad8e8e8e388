scholiaSearch.shard("go",{"w":{"goal":"goal"},"p":{"goal":[0,11,235]},"e":{},"d":{}});
