scholiaSearch.shard("سپ",{"w":{},"p":{},"e":{"سپاه":[15,1]},"d":{"15":["Islamic Revolutionary Guard Corps","glossary/irgc/index.html","organisation","from 1979"]}});
