scholiaSearch.shard("ve",{"w":{},"p":{},"e":{"velayat":[40,0]},"d":{"40":["Supreme leader (velayat-e faqih)","glossary/supreme-leader/index.html","concept",""]}});
