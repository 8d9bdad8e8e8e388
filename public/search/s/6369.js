scholiaSearch.shard("ci",{"w":{"cited":"cite"},"p":{"cite":[0,6,187]},"e":{},"d":{}});
