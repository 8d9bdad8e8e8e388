scholiaSearch.shard("فق",{"w":{},"p":{},"e":{"فقیه":[40,1]},"d":{"40":["Supreme leader (velayat-e faqih)","glossary/supreme-leader/index.html","concept",""]}});
