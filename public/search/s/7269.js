scholiaSearch.shard("ri",{"w":{"rich":"rich","risky":"riski"},"p":{"rich":[0,6,187],"riski":[0,12,177]},"e":{},"d":{}});
