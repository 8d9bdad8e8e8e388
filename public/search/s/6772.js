scholiaSearch.shard("gr",{"w":{"grand":"grand"},"p":{"grand":[0,2,227]},"e":{},"d":{}});
