scholiaSearch.shard("tw",{"w":{"two":"two"},"p":{"two":[0,9,214]},"e":{},"d":{}});
