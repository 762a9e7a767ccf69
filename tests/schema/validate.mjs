// Validates Kubernetes manifests: built-in kinds against the official schemas carried by kubernetes-models,
// custom resources against the openAPIV3Schema of their CRD, where unknown fields are errors as with kubectl's
// default strict field validation (built-in kinds come from KubernetesClient's typed models, which cannot carry
// unknown fields; kubernetes-models checks their types, formats and required fields). Usage: node validate.mjs CRD_DIR FILE... ; prints one line per problem.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";

const [crdDir, ...files] = process.argv.slice(2);
const ajv = new Ajv({ strict: false, allErrors: true, logger: false });

// Every schema object with properties and no additionalProperties becomes closed, unless Kubernetes says it is open.
function closeSchema(schema) {
  if (schema && typeof schema === "object") {
    if (schema.properties && schema.additionalProperties === undefined && !schema["x-kubernetes-preserve-unknown-fields"]) {
      schema.additionalProperties = false;
    }
    for (const value of Object.values(schema)) closeSchema(value);
  }
  return schema;
}

const crdValidators = new Map();
for (const file of readdirSync(crdDir).filter((f) => f.endsWith(".yaml"))) {
  for (const doc of parseAllDocuments(readFileSync(join(crdDir, file), "utf8"))) {
    const crd = doc.toJS();
    if (crd?.kind !== "CustomResourceDefinition") continue;
    for (const version of crd.spec.versions) {
      const schema = closeSchema(structuredClone(version.schema.openAPIV3Schema));
      // metadata is checked by the API server's ObjectMeta rules, not the CRD schema.
      if (schema.properties) schema.properties.metadata = { type: "object" };
      crdValidators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
    }
  }
}

let problems = 0;
const report = (file, message) => { problems++; console.log(`${file}: ${message}`); };

for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) { report(file, `YAML: ${doc.errors[0].message}`); continue; }
    const obj = doc.toJS();
    const { apiVersion, kind } = obj ?? {};
    if (!apiVersion || !kind) { report(file, "no apiVersion/kind"); continue; }
    const crd = crdValidators.get(`${apiVersion}/${kind}`);
    if (crd) {
      if (!crd(obj)) for (const e of crd.errors) report(file, `${kind} ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
      continue;
    }
    const modulePath = apiVersion.includes("/") ? `kubernetes-models/${apiVersion}/${kind}` : `kubernetes-models/v1/${kind}`;
    let Model;
    try {
      Model = (await import(modulePath))[kind];
    } catch {
      report(file, `no official schema for ${apiVersion} ${kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      report(file, `${kind}: ${e.message}`);
    }
  }
}

console.log(`${files.length} file(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
