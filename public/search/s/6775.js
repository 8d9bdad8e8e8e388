scholiaSearch.shard("gu",{"w":{"guard":"guard"},"p":{"guard":[0,12,177]},"e":{"guard":[15,0]},"d":{"15":["Islamic Revolutionary Guard Corps","glossary/irgc/index.html","organisation","from 1979"]}});
