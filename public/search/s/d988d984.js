scholiaSearch.shard("ول",{"w":{},"p":{},"e":{"ولایت":[40,1]},"d":{"40":["Supreme leader (velayat-e faqih)","glossary/supreme-leader/index.html","concept",""]}});
