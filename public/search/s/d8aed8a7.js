scholiaSearch.shard("خا",{"w":{},"p":{},"e":{"خامنه":[0,1]},"d":{"0":["Ali Khamenei","glossary/khamenei/index.html","person","born 1939"]}});
