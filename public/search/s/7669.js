scholiaSearch.shard("vi",{"w":{"view":"view","viewed":"view","views":"view"},"p":{"view":[0,3,189,0,6,113,0,9,130]},"e":{},"d":{}});
