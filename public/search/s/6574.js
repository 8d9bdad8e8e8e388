scholiaSearch.shard("et",{"w":{"ethos":"etho"},"p":{"etho":[0,12,177]},"e":{},"d":{}});
