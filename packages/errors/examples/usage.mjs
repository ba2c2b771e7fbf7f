import { ERROR_CODES, NbsError, isNbsError } from "@nbs/errors";

// A library throws a specific code; the category (and so the exit code) follows from it.
function readDump(path) {
  throw new NbsError("FILE_NOT_FOUND", `cannot read ${path}: no such file`, {
    hint: "pass an existing dump with --file",
  });
}

try {
  readDump("/var/backups/neo4j/missing.dump");
} catch (error) {
  if (!isNbsError(error)) throw error; // anything else is a bug
  // branch on code or category, never on the message
  console.log(error.code, error.category, ERROR_CODES[error.code]);
  console.log(error.message);
  console.log(`hint: ${error.hint}`);
}
