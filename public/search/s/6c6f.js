scholiaSearch.shard("lo",{"w":{"long":"long","losses":"loss"},"p":{"long":[0,3,176,0,11,180],"loss":[0,12,177]},"e":{},"d":{}});
