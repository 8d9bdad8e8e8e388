scholiaSearch.shard("ze",{"w":{"zero":"zero"},"p":{"zero":[0,4,207]},"e":{"zero":[47,0]},"d":{"47":["Zero enrichment","glossary/zero-enrichment/index.html","concept",""]}});
