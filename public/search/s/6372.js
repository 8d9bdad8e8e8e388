scholiaSearch.shard("cr",{"w":{"credible":"credibl"},"p":{"credibl":[0,10,202]},"e":{},"d":{}});
