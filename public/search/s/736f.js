scholiaSearch.shard("so",{"w":{"some":"some","someone":"someon"},"p":{"some":[0,5,201,0,9,163],"someon":[0,6,187]},"e":{},"d":{}});
