scholiaSearch.shard("عا",{"w":{},"p":{},"e":{"عالی":[20,1]},"d":{"20":["Supreme National Security Council","glossary/snsc/index.html","organisation",""]}});
