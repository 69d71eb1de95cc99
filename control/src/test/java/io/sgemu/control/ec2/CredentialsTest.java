package io.sgemu.control.ec2;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsTest {
    @TempDir
    Path dir;

    @Test
    void readsKeyAndSecretPerLine_skippingCommentsAndBlanks() throws Exception {
        Path f = Files.writeString(dir.resolve("keys"), "# keys\n\nAKID1 secret/one\n  AKID2\tsecret+two  \n");
        Credentials c = Credentials.read(f);
        assertThat(c.secretOf("AKID1")).contains("secret/one");
        assertThat(c.secretOf("AKID2")).contains("secret+two");
        assertThat(c.secretOf("AKID3")).isEmpty();
    }

    @Test
    void badFilesAreNamedWithTheirLine() throws Exception {
        Path f = Files.writeString(dir.resolve("bad"), "AKID1 s1\nAKID2\n");
        assertThatThrownBy(() -> Credentials.read(f)).hasMessageEndingWith("bad:2: expected ACCESS_KEY_ID SECRET");
        Path twice = Files.writeString(dir.resolve("twice"), "AKID1 s1\nAKID1 s2\n");
        assertThatThrownBy(() -> Credentials.read(twice)).hasMessageContaining("twice:2").hasMessageContaining("given twice");
        assertThatThrownBy(() -> Credentials.read(dir.resolve("none"))).hasMessageEndingWith("none: no such file");
        Path empty = Files.writeString(dir.resolve("empty"), "# nothing\n");
        assertThatThrownBy(() -> Credentials.read(empty)).hasMessageEndingWith("empty: no access key");
    }
}
