scholiaSearch.shard("br",{"w":{"brand":"brand","brass":"brass","broadly":"broad"},"p":{"brand":[0,9,214],"brass":[0,12,177],"broad":[0,9,214]},"e":{},"d":{}});
