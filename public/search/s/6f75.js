scholiaSearch.shard("ou",{"w":{"ours":"our"},"p":{"our":[0,6,187]},"e":{},"d":{}});
