import js from "@eslint/js";
import stylistic from "@stylistic/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "out/", ".build/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    // The dependency-cruiser config is CommonJS.
    { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly", process: "readonly", __dirname: "readonly", console: "readonly" } }, rules: { "@typescript-eslint/no-require-imports": "off" } },
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    // One way to attach a managed policy (lib/iam.ts attachManagedPolicies) and one way to give a pod
    // an AWS identity (lib/podIdentity.ts PodAwsIdentity); the pod-identity play checks the plans too.
    {
        ignores: ["lib/iam.ts", "lib/podIdentity.ts", "test/**"],
        rules: {
            "no-restricted-syntax": ["error",
                { selector: "NewExpression[callee.property.name=/^(RolePolicyAttachment|RolePolicyAttachmentsExclusive|PolicyAttachment)$/]", message: "Attach managed policies with attachManagedPolicies (lib/iam.ts), the one way the platform does it." },
                { selector: "Property[key.name='managedPolicyArns']", message: "Attach managed policies with attachManagedPolicies (lib/iam.ts), the one way the platform does it." },
                { selector: "NewExpression[callee.property.name='PodIdentityAssociation']", message: "A pod's AWS identity comes from PodAwsIdentity (lib/podIdentity.ts)." },
            ],
        },
    },
    // One job per file (issue 20): no source file over 300 lines, blank lines and comments included.
    // Tests are exempt (a behaviour's cases read best together); generated files are not TypeScript.
    { files: ["**/*.ts", "**/*.cjs", "**/*.mjs"], ignores: ["test/**"], rules: { "max-lines": ["error", { max: 300, skipBlankLines: false, skipComments: false }] } },
    // The formatter: the project's existing style as rules `npm run format` (eslint --fix) applies.
    // Line length is left to the author: long single-line declarations are the house style.
    {
        plugins: { "@stylistic": stylistic },
        rules: {
            "@stylistic/indent": ["error", 4, { SwitchCase: 1, offsetTernaryExpressions: true, ignoredNodes: ["TSUnionType", "TSIntersectionType"] }],
            "@stylistic/quotes": ["error", "double", { avoidEscape: true, allowTemplateLiterals: "always" }],
            "@stylistic/semi": ["error", "always"],
            "@stylistic/comma-dangle": ["error", "always-multiline"],
            "@stylistic/brace-style": ["error", "1tbs", { allowSingleLine: true }],
            "@stylistic/comma-spacing": "error",
            "@stylistic/keyword-spacing": "error",
            "@stylistic/space-before-blocks": "error",
            "@stylistic/space-infix-ops": "error",
            "@stylistic/arrow-spacing": "error",
            "@stylistic/key-spacing": "error",
            "@stylistic/semi-spacing": "error",
            "@stylistic/block-spacing": "error",
            "@stylistic/member-delimiter-style": "error",
            "@stylistic/type-annotation-spacing": "error",
            "@stylistic/space-before-function-paren": ["error", { anonymous: "always", named: "never", asyncArrow: "always" }],
            "@stylistic/no-trailing-spaces": "error",
            "@stylistic/no-multiple-empty-lines": ["error", { max: 1, maxEOF: 0, maxBOF: 0 }],
            "@stylistic/eol-last": "error",
            "@stylistic/no-tabs": "error",
        },
    },
);
