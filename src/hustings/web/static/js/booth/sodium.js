// libsodium.js (vendored, see ../vendor/VENDORED.md), ready to use once this module has loaded.
import sodium from "../vendor/libsodium-wrappers.mjs";

await sodium.ready;

export default sodium;
