import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseConfig, readConfigEntries } from "../lib/config/load";
import { scaledEnvironment } from "../bench/scale";

// The benchmark's scale curve synthesizes generated environments: each must stay as valid as the
// file it copies, whatever rules the config gains (else `npm run bench` measures a refusal).
describe("bench: generated scale environments", () => {
    const file = path.join(__dirname, "..", "Pulumi.prod.yaml");
    const text = fs.readFileSync(file, "utf8");

    for (const apps of [5, 500]) {
        it(`${apps} applications from prod's are a valid prod environment`, () => {
            const config = parseConfig(readConfigEntries(file, scaledEnvironment(text, apps)), "prod", file);
            assert.equal(config.applications.length, apps);
            assert.equal(new Set(config.applications.map((a) => `${a.namespace}/${a.name}`)).size, apps);
        });
    }
});
