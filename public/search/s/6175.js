scholiaSearch.shard("au",{"w":{"auditioning":"audit"},"p":{"audit":[0,7,218]},"e":{},"d":{}});
