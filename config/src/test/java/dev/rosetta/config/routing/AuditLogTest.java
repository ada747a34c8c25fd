package dev.rosetta.config.routing;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditLogTest {

    @Test
    void anUnwritableAuditFileSaysWhatToSet(@TempDir Path dir) throws Exception {
        // a folder that cannot hold the file (here its parent is a file; in a container, a read-only ConfigMap)
        Path notAFolder = Files.writeString(dir.resolve("config"), "x");

        assertThatThrownBy(() -> new AuditLog(notAFolder.resolve("rosetta-audit.jsonl")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot open audit log " + notAFolder.resolve("rosetta-audit.jsonl"))
                .hasMessageContaining("set audit.file to a path on a writable volume")
                .hasMessageContaining("audit.enabled: false");
    }
}
