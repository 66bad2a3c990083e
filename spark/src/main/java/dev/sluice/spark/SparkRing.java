package dev.sluice.spark;

import dev.sluice.distributed.RingAllReduce;
import org.apache.spark.BarrierTaskContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects the core's {@link RingAllReduce} between the tasks of a barrier stage, as LightGBM and XGBoost4J do: each
 * task binds a server socket on its executor's address, the tasks exchange {@code host:port} through one
 * {@link BarrierTaskContext#allGather}, and each connects to its successor. After that the driver carries nothing:
 * every step's gradients travel task to task, 2(N−1)/N of the array per rank instead of N arrays through the driver.
 */
public final class SparkRing {
    private SparkRing() {}

    /** Joins the ring of {@code context}'s barrier stage (all tasks must call this), with the default timeout. */
    public static RingAllReduce connect(BarrierTaskContext context) throws IOException {
        return connect(context, RingAllReduce.DEFAULT_TIMEOUT);
    }

    /**
     * Joins the ring of {@code context}'s barrier stage.
     *
     * @param timeout how long a rank waits without progress, for connecting and later in every operation
     */
    public static RingAllReduce connect(BarrierTaskContext context, Duration timeout) throws IOException {
        int rank = context.partitionId();
        String host = host(context.getTaskInfos()[rank].address());
        ServerSocketChannel listening = ServerSocketChannel.open();
        List<InetSocketAddress> addresses = new ArrayList<>();
        try {
            listening.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            int port = ((InetSocketAddress) listening.getLocalAddress()).getPort();
            for (String a : context.allGather(host + ":" + port)) {
                int colon = a.lastIndexOf(':');
                addresses.add(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
            }
        } catch (IOException | RuntimeException e) {
            listening.close();
            throw e;
        }
        return RingAllReduce.connect(rank, addresses, listening, timeout);   // closes the listening channel
    }

    /** The host of an executor address ("host:port", "[v6]:port" or a bare host). */
    static String host(String address) {
        if (address.startsWith("[")) return address.substring(1, address.indexOf(']'));
        int colon = address.lastIndexOf(':');
        return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
    }
}
