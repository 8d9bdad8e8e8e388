scholiaSearch.shard("ام",{"w":{},"p":{},"e":{"امنیت":[20,1]},"d":{"20":["Supreme National Security Council","glossary/snsc/index.html","organisation",""]}});
