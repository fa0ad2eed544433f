package dev.tessera.media.provenance;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The key that signs C2PA manifests and its X.509 chain (signer certificate, then the CA that issued it).
 *
 * <p>On first use Tessera creates, under {@code ~/.tessera/c2pa/} (or {@code $TESSERA_HOME/c2pa/}), a self-signed
 * P-256 CA ("Tessera Local CA") and a signer certificate it issues, with the profile C2PA validators check: key usage
 * digitalSignature, extended key usage emailProtection + documentSigning, CA=false, subject and authority key ids.
 * The private keys are files readable by the owner only and are never committed. A manifest signed this way is
 * "Valid" (intact, signed by that key) but not "Trusted": the local CA is on no public trust list; a deployment puts
 * a CA-issued certificate in the same folder instead.
 */
public record SigningIdentity(ECPrivateKey key, List<X509Certificate> chain) {
    public static final String KEY_FILE = "signer.key.pem", CHAIN_FILE = "chain.pem", CA_KEY_FILE = "ca.key.pem";

    public SigningIdentity {
        if (chain.isEmpty()) throw new IllegalArgumentException("certificate chain is empty");
        chain = List.copyOf(chain);
    }

    public X509Certificate signer() { return chain.getFirst(); }

    /** {@code $TESSERA_HOME/c2pa}, else {@code ~/.tessera/c2pa}. */
    public static Path defaultDir() {
        String home = System.getenv("TESSERA_HOME");
        Path base = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".tessera");
        return base.resolve("c2pa");
    }

    /** Loads the identity in {@code dir}, creating a local CA and signer there on first use. */
    public static synchronized SigningIdentity loadOrCreate(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(KEY_FILE)) && Files.isRegularFile(dir.resolve(CHAIN_FILE))) return load(dir);
        return create(dir, "Tessera signer (" + System.getProperty("user.name", "local") + ")");
    }

    public static SigningIdentity load(Path dir) throws IOException {
        try {
            PrivateKey key;
            try (PEMParser p = new PEMParser(new StringReader(Files.readString(dir.resolve(KEY_FILE))))) {
                Object o = p.readObject();
                if (o instanceof PrivateKeyInfo info) key = new JcaPEMKeyConverter().getPrivateKey(info);
                else if (o instanceof org.bouncycastle.openssl.PEMKeyPair kp) key = new JcaPEMKeyConverter().getKeyPair(kp).getPrivate();
                else throw new IOException(dir.resolve(KEY_FILE) + ": not a PEM private key");
            }
            if (!(key instanceof ECPrivateKey ec)) throw new IOException(dir.resolve(KEY_FILE) + ": not an EC (P-256) key");
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = new ArrayList<>();
            try (var in = Files.newInputStream(dir.resolve(CHAIN_FILE))) {
                for (var c : cf.generateCertificates(in)) chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) throw new IOException(dir.resolve(CHAIN_FILE) + ": no certificates");
            return new SigningIdentity(ec, chain);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the C2PA signing identity in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Creates a fresh CA + signer in {@code dir} (files written owner-only, atomically). */
    public static SigningIdentity create(Path dir, String signerName) throws IOException {
        try {
            SecureRandom rnd = new SecureRandom();
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), rnd);
            KeyPair ca = g.generateKeyPair(), signer = g.generateKeyPair();
            Instant now = Instant.now().minus(Duration.ofHours(1));
            X500Name caName = new X500Name("CN=Tessera Local CA,O=Tessera,C=US");
            X500Name signerDn = new X500Name("CN=" + signerName.replaceAll("[,=+<>#;\"\\\\]", " ") + ",O=Tessera,C=US");
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

            JcaX509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(caName, new BigInteger(64, rnd).setBit(63), Date.from(now),
                    Date.from(now.plus(Duration.ofDays(3650 * 2))), caName, ca.getPublic());
            cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            cb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            cb.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(ca.getPublic()));
            X509Certificate caCert = sign(cb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));

            JcaX509v3CertificateBuilder sb = new JcaX509v3CertificateBuilder(caCert, new BigInteger(64, rnd).setBit(63), Date.from(now),
                    Date.from(now.plus(Duration.ofDays(3650))), signerDn, signer.getPublic());
            sb.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            sb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            sb.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                    KeyPurposeId.id_kp_emailProtection, KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.5.5.7.3.36"))}));
            sb.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(signer.getPublic()));
            sb.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate signerCert = sign(sb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));

            Files.createDirectories(dir);
            writePrivate(dir.resolve(CA_KEY_FILE), pem(ca.getPrivate()));
            writePrivate(dir.resolve(KEY_FILE), pem(signer.getPrivate()));
            writePrivate(dir.resolve(CHAIN_FILE), pem(signerCert) + pem(caCert));
            return new SigningIdentity((ECPrivateKey) signer.getPrivate(), List.of(signerCert, caCert));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create a C2PA signing identity: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509CertificateHolder h) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(h);
    }

    private static String pem(Object o) throws IOException {
        if (o instanceof PrivateKey k) { // PKCS#8, the format openssl and most tools read
            String b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(k.getEncoded());
            return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
        }
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".part");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the platform default
            }
            Files.writeString(temp, text);
            dev.tessera.media.Media.moveIntoPlace(temp, file);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }
}
