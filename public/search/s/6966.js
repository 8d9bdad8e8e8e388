scholiaSearch.shard("if",{"w":{"if":"if"},"p":{"if":[0,12,177]},"e":{},"d":{}});
