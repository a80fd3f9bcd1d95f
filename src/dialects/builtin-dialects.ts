import { ArtistDialect } from "./artist.js";
import { builtInProfiles } from "./builtin-profiles.js";
import { DeepEyesDialect } from "./deepeyes.js";
import { DeepEyesV2Dialect } from "./deepeyes-v2.js";
import { registerDialect } from "./dialect-registry.js";
import { MMSearchR1Dialect } from "./mmsearch-r1.js";
import { NativeDialect } from "./native.js";
import { SkyworkR1V4Dialect } from "./skywork-r1v4.js";

// Loupe's own dialects, registered like anyone else's, in the order listings show them.
const ofDialect = (name: string) => builtInProfiles.filter((profile) => profile.dialect === name);

registerDialect("native", (settings) => new NativeDialect(settings), { profiles: ofDialect("native") });
registerDialect("skywork-r1v4", (settings) => new SkyworkR1V4Dialect(settings), {
  profiles: ofDialect("skywork-r1v4"),
});
registerDialect("deepeyes-v2", (settings) => new DeepEyesV2Dialect(settings), {
  profiles: ofDialect("deepeyes-v2"),
});
registerDialect("deepeyes", (settings) => new DeepEyesDialect(settings), { profiles: ofDialect("deepeyes") });
registerDialect("mmsearch-r1", (settings) => new MMSearchR1Dialect(settings), {
  profiles: ofDialect("mmsearch-r1"),
});
registerDialect("artist", (settings) => new ArtistDialect(settings), { profiles: ofDialect("artist") });
