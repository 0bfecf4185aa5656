// The config reference is generated from the schema; a stale one misleads every reader.
import { strict as assert } from "assert";
import * as fs from "fs";
import { REFERENCE_FILE, configReference } from "../lib/config/docs";
import { configSchema } from "../lib/config/schema";

describe("config reference (docs/config-reference.md)", () => {
    it("matches the schema (run `npm run docs` after changing lib/config/schema.ts)", () => {
        assert.equal(fs.readFileSync(REFERENCE_FILE, "utf8"), configReference());
    });

    it("documents every top-level key with a description", () => {
        const reference = configReference();
        for (const [key, schema] of Object.entries(configSchema.shape)) {
            const name = key === "region" ? "aws:region" : `platform:${key}`;
            assert.ok(reference.includes(`| \`${name}\` |`), `${name} is in the reference`);
            assert.ok((schema as { description?: string }).description, `${name} has a description`);
        }
    });
});
