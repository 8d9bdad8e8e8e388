scholiaSearch.shard("مل",{"w":{},"p":{},"e":{"ملی":[20,1]},"d":{"20":["Supreme National Security Council","glossary/snsc/index.html","organisation",""]}});
