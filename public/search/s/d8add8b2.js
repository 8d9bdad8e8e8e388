scholiaSearch.shard("حز",{"w":{},"p":{},"e":{"حزب":[19,1]},"d":{"19":["Hezbollah","glossary/hezbollah/index.html","organisation",""]}});
