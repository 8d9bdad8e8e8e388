scholiaSearch.shard("لا",{"w":{},"p":{},"e":{"لاریجانی":[3,1]},"d":{"3":["Ali Larijani","glossary/larijani/index.html","person",""]}});
