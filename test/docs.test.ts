// The config reference is generated from the schema; a stale one misleads every reader.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REFERENCE_FILE, configReference } from "../lib/config/docs";
import { keyName } from "../lib/config/load";
import { configSchema } from "../lib/config/schema";

describe("config reference (docs/config-reference.md)", () => {
    it("matches the schema (run `npm run docs` after changing lib/config/schema.ts)", () => {
        assert.equal(fs.readFileSync(REFERENCE_FILE, "utf8"), configReference());
    });

    it("documents every top-level key with a description", () => {
        const reference = configReference();
        for (const [key, schema] of Object.entries(configSchema.shape)) {
            const name = keyName([key]);
            assert.ok(reference.includes(`| \`${name}\` |`), `${name} is in the reference`);
            assert.ok((schema as { description?: string }).description, `${name} has a description`);
        }
    });
});

describe("README and docs name only what exists", () => {
    const REPO = path.resolve(__dirname, "..");
    const markdown = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? markdown(path.join(dir, e.name)) : e.name.endsWith(".md") ? [path.join(dir, e.name)] : []));
    const documents = [path.join(REPO, "README.md"), ...markdown(path.join(REPO, "docs"))].map((file) => ({ file: path.relative(REPO, file), text: fs.readFileSync(file, "utf8") }));

    it("has the runbooks, each linked from the README", () => {
        const readme = documents.find((d) => d.file === "README.md")!.text;
        const runbooks = documents.filter((d) => d.file.startsWith("docs/runbooks/")).map((d) => d.file);
        assert.ok(runbooks.length >= 6, runbooks.join(", "));
        for (const runbook of runbooks) assert.ok(readme.includes(`](${runbook})`), `README links ${runbook}`);
    });

    it("every `npm run <script>` (and `npm test`) is a script in package.json", () => {
        const scripts = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        for (const { file, text } of documents) {
            for (const [, script] of text.matchAll(/\bnpm (?:run(?:-script)? )?([\w:-]+)/g)) {
                if (["ci", "install", "run"].includes(script)) continue;
                assert.ok(script in scripts, `${file}: npm run ${script} is not a script`);
            }
        }
    });

    it("every platform:<key> mentioned is a setting of the config reference", () => {
        const keys = [...fs.readFileSync(REFERENCE_FILE, "utf8").matchAll(/^\| `(platform:[^`]+)` \|/gm)].map((m) => m[1]);
        const known = (mention: string): boolean => {
            const normal = mention.replace(/\[\d+\]/g, "[]");
            if (!normal.includes("<")) return keys.includes(normal);
            const pattern = new RegExp(`^${normal.replace(/[.[\]]/g, "\\$&").replace(/<[^>]+>/g, "[^.]+")}$`);
            return keys.some((k) => pattern.test(k));
        };
        for (const { file, text } of documents.filter((d) => d.file !== path.relative(REPO, REFERENCE_FILE))) {
            for (const match of text.matchAll(/\bplatform:([A-Za-z][\w<>.[\]-]*)/g)) {
                if (text[match.index + match[0].length] === ":") continue; // a component type token (platform:cluster:ControlPlane)
                const mention = `platform:${match[1]}`.replace(/\.+$/, "");
                assert.ok(known(mention), `${file}: ${mention} is not in the config reference`);
            }
        }
    });
});
