scholiaSearch.shard("cu",{"w":{"culture":"cultur"},"p":{"cultur":[0,6,187]},"e":{},"d":{}});
