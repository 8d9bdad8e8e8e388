scholiaSearch.shard("مج",{"w":{},"p":{},"e":{"مجلس":[21,1]},"d":{"21":["Parliament of Iran (Majlis)","glossary/majlis/index.html","organisation",""]}});
