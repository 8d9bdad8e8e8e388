scholiaSearch.shard("ru",{"w":{"rulers":"ruler"},"p":{"ruler":[0,6,187]},"e":{},"d":{}});
