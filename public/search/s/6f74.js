scholiaSearch.shard("ot",{"w":{"other":"other"},"p":{"other":[0,9,214]},"e":{},"d":{}});
