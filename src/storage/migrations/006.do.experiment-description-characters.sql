-- openapi.yaml allows a description of 65,535 characters; TEXT holds 65,535 bytes, which is 16,383
-- characters of 4-byte UTF-8. MEDIUMTEXT holds any description the contract allows. Runs again safely.

ALTER TABLE experiments MODIFY description MEDIUMTEXT NULL;
