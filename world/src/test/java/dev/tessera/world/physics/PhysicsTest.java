package dev.tessera.world.physics;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhysicsTest {
    static final double DT = 1.0 / 240;

    @Test void freeFallMatchesHalfGTSquared() {
        Physics p = new Physics(DT);
        Body b = p.add(Body.sphere(0.2, 1).at(0, 20, 0));
        int n = 240; // one second
        for (int i = 0; i < n; i++) p.step();
        double t = n * DT, expected = 0.5 * Physics.GRAVITY * t * t;
        assertEquals(expected, 20 - b.y, expected * 0.01);
    }

    @Test void eachBounceLowerThanTheLast() {
        Physics p = new Physics(DT);
        Body b = p.add(Body.sphere(0.25, 1).at(0, 3, 0));
        b.restitution = 0.7;
        List<Double> peaks = new ArrayList<>();
        double prev = b.vy;
        for (int i = 0; i < 240 * 6; i++) {
            p.step();
            if (prev > 0 && b.vy <= 0) peaks.add(b.y);
            prev = b.vy;
        }
        assertTrue(peaks.size() >= 3, "bounces: " + peaks);
        for (int i = 1; i < peaks.size(); i++) assertTrue(peaks.get(i) < peaks.get(i - 1), "peaks " + peaks);
        assertTrue(peaks.getFirst() < 3 && peaks.getFirst() > 1, "first peak " + peaks);
    }

    @Test void restingStackDoesNotCreepOrInterpenetrate() {
        Physics p = new Physics(DT);
        List<Body> boxes = new ArrayList<>();
        double h = 0.25;
        for (int i = 0; i < 4; i++) boxes.add(p.add(Body.box(0.3, h, 0.3, 1).at(0, h + 2 * h * i + 0.001 * i, 0)));
        for (int i = 0; i < 240; i++) p.step();
        double[][] start = new double[4][];
        for (int i = 0; i < 4; i++) start[i] = new double[] {boxes.get(i).x, boxes.get(i).y, boxes.get(i).z};
        for (int i = 0; i < 240 * 5; i++) {
            p.step();
            for (int k = 0; k < 4; k++) {
                Body b = boxes.get(k);
                double expectY = h + 2 * h * k;
                assertEquals(expectY, b.y, 0.02, "box " + k + " height at step " + i);
            }
        }
        for (int k = 0; k < 4; k++) {
            Body b = boxes.get(k);
            assertEquals(start[k][0], b.x, 1e-3, "x creep " + k);
            assertEquals(start[k][2], b.z, 1e-3, "z creep " + k);
            assertEquals(start[k][1], b.y, 1e-3, "y creep " + k);
        }
    }

    @Test void pushedDominoChainFallsInOrder() {
        Physics p = new Physics(DT);
        int n = 8;
        List<Body> d = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Body b = p.add(Body.box(0.05, 0.3, 0.15, 0.2).at(i * 0.35, 0.3, 0));
            b.friction = 0.6; b.restitution = 0.05;
            d.add(b);
        }
        d.getFirst().spin(0, 0, -1.5).velocity(0.45, 0.075, 0); // tip the first domino about its front bottom edge
        double[] fallTime = new double[n];
        java.util.Arrays.fill(fallTime, -1);
        for (int s = 0; s < 240 * 6; s++) {
            p.step();
            for (int i = 0; i < n; i++) if (fallTime[i] < 0 && d.get(i).tilt() > Math.toRadians(30)) fallTime[i] = s * DT;
        }
        for (int i = 0; i < n; i++) assertTrue(fallTime[i] >= 0, "domino " + i + " did not fall: " + java.util.Arrays.toString(fallTime));
        for (int i = 1; i < n; i++) assertTrue(fallTime[i] > fallTime[i - 1], "order " + java.util.Arrays.toString(fallTime));
    }
}
