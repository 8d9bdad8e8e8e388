scholiaSearch.shard("ib",{"w":{},"p":{},"e":{"ibn":[12,0]},"d":{"12":["Imam Hussein (Husayn ibn Ali)","glossary/imam-hussein/index.html","person","died 680"]}});
