scholiaSearch.shard("mu",{"w":{"much":"much"},"p":{"much":[0,6,187]},"e":{},"d":{}});
