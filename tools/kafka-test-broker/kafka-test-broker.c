/*
 * Kafka test broker: librdkafka's mock cluster (rdkafka_mock.h) speaking the real Kafka wire
 * protocol over TCP on 127.0.0.1, for the project's tests. No JVM, no Docker.
 *
 *   kafka-test-broker [--brokers N]
 *
 * Prints "BOOTSTRAP host:port,host:port,..." and then "READY" on stdout, then reads one
 * command a line on stdin and answers each with one line, "OK ..." or "ERR <reason>":
 *   down <broker-id>                      take a broker down (connections refused)
 *   up <broker-id>                        bring it back
 *   errors <Api> <count> <ERROR_NAME>     the next <count> requests of <Api> fail with the error
 *                                         (Api: a name such as Produce, Fetch, Metadata,
 *                                         OffsetCommit, JoinGroup, or a numeric ApiKey;
 *                                         ERROR_NAME: librdkafka's name without the RD_KAFKA_RESP_ERR_
 *                                         prefix, e.g. NOT_LEADER_FOR_PARTITION, or _TRANSPORT)
 *   topic <name> <partitions> <replicas>  create a topic (topics also auto-create on first use)
 *   quit                                  stop
 * It runs until "quit", end of stdin, SIGINT or SIGTERM, then destroys the cluster and exits 0.
 *
 * Known limit of the mock: its metadata names controller id 0 (no such broker), so admin
 * CreateTopics and idempotent or transactional producers do not work against it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define BROKERS_DEFAULT 3
#define BROKERS_MAX 16
#define LINE_BYTES_MAX 1024
#define ERROR_COUNT_MAX 1000

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int signal_number) {
  (void)signal_number;
  stop_requested = 1;
}

struct api_name {
  const char *name;
  int16_t key;
};

static const struct api_name API_NAMES[] = {
    {"Produce", 0},        {"Fetch", 1},         {"ListOffsets", 2},      {"Metadata", 3},
    {"OffsetCommit", 8},   {"OffsetFetch", 9},   {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},     {"LeaveGroup", 13},   {"SyncGroup", 14},       {"DescribeGroups", 15},
    {"ListGroups", 16},    {"ApiVersions", 18},  {"CreateTopics", 19},    {"InitProducerId", 22},
};

static int parse_api(const char *text, int16_t *key) {
  for (size_t index = 0; index < sizeof(API_NAMES) / sizeof(API_NAMES[0]); index++) {
    if (strcasecmp(text, API_NAMES[index].name) == 0) {
      *key = API_NAMES[index].key;
      return 0;
    }
  }
  char *end = NULL;
  long value = strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 0 || value > 100) return -1;
  *key = (int16_t)value;
  return 0;
}

static int parse_error(const char *text, rd_kafka_resp_err_t *error) {
  const struct rd_kafka_err_desc *descriptions = NULL;
  size_t count = 0;
  rd_kafka_get_err_descs(&descriptions, &count);
  for (size_t index = 0; index < count; index++) {
    if (descriptions[index].name != NULL && strcmp(descriptions[index].name, text) == 0) {
      *error = descriptions[index].code;
      return 0;
    }
  }
  return -1;
}

static int parse_int(const char *text, int min, int max, int *value) {
  char *end = NULL;
  errno = 0;
  long parsed = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || parsed < min || parsed > max) return -1;
  *value = (int)parsed;
  return 0;
}

/* Runs one command line; answers on stdout. Returns 1 when asked to quit. */
static int run_command(rd_kafka_mock_cluster_t *cluster, int brokers, char *line) {
  char *words[5] = {0};
  int count = 0;
  for (char *word = strtok(line, " \t\r\n"); word != NULL && count < 5; word = strtok(NULL, " \t\r\n")) words[count++] = word;
  if (count == 0) return 0;
  int broker = 0, amount = 0, partitions = 0, replicas = 0;
  if (strcmp(words[0], "quit") == 0) {
    printf("OK quit\n");
    return 1;
  } else if ((strcmp(words[0], "down") == 0 || strcmp(words[0], "up") == 0) && count == 2) {
    if (parse_int(words[1], 1, brokers, &broker) != 0) {
      printf("ERR broker id must be 1..%d\n", brokers);
    } else {
      rd_kafka_resp_err_t result = strcmp(words[0], "down") == 0 ? rd_kafka_mock_broker_set_down(cluster, broker)
                                                                : rd_kafka_mock_broker_set_up(cluster, broker);
      if (result == RD_KAFKA_RESP_ERR_NO_ERROR) printf("OK %s %d\n", words[0], broker);
      else printf("ERR %s\n", rd_kafka_err2str(result));
    }
  } else if (strcmp(words[0], "errors") == 0 && count == 4) {
    int16_t key = 0;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (parse_api(words[1], &key) != 0) printf("ERR unknown api '%s'\n", words[1]);
    else if (parse_int(words[2], 1, ERROR_COUNT_MAX, &amount) != 0) printf("ERR count must be 1..%d\n", ERROR_COUNT_MAX);
    else if (parse_error(words[3], &error) != 0) printf("ERR unknown error name '%s'\n", words[3]);
    else {
      rd_kafka_resp_err_t *errors = calloc((size_t)amount, sizeof(*errors));
      if (errors == NULL) {
        printf("ERR out of memory\n");
      } else {
        for (int index = 0; index < amount; index++) errors[index] = error;
        rd_kafka_mock_push_request_errors_array(cluster, key, (size_t)amount, errors);
        free(errors);
        printf("OK errors %d %d %s\n", key, amount, words[3]);
      }
    }
  } else if (strcmp(words[0], "topic") == 0 && count == 4) {
    if (parse_int(words[2], 1, 1000, &partitions) != 0 || parse_int(words[3], 1, brokers, &replicas) != 0) {
      printf("ERR partitions must be 1..1000 and replicas 1..%d\n", brokers);
    } else {
      rd_kafka_resp_err_t result = rd_kafka_mock_topic_create(cluster, words[1], partitions, replicas);
      if (result == RD_KAFKA_RESP_ERR_NO_ERROR) printf("OK topic %s\n", words[1]);
      else printf("ERR %s\n", rd_kafka_err2str(result));
    }
  } else {
    printf("ERR unknown command; use down N | up N | errors Api count ERROR | topic name partitions replicas | quit\n");
  }
  return 0;
}

int main(int argc, char **argv) {
  int brokers = BROKERS_DEFAULT;
  if (argc == 3 && strcmp(argv[1], "--brokers") == 0) {
    if (parse_int(argv[2], 1, BROKERS_MAX, &brokers) != 0) {
      fprintf(stderr, "kafka-test-broker: --brokers must be 1..%d\n", BROKERS_MAX);
      return 2;
    }
  } else if (argc != 1) {
    fprintf(stderr, "usage: kafka-test-broker [--brokers N]\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);

  char reason[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "log_level", "3", reason, sizeof(reason)) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "kafka-test-broker: %s\n", reason);
    return 1;
  }
  rd_kafka_t *handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof(reason));
  if (handle == NULL) {
    fprintf(stderr, "kafka-test-broker: %s\n", reason);
    return 1;
  }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(handle, brokers);
  if (cluster == NULL) {
    fprintf(stderr, "kafka-test-broker: could not create the mock cluster\n");
    rd_kafka_destroy(handle);
    return 1;
  }

  struct sigaction action;
  memset(&action, 0, sizeof(action));
  action.sa_handler = on_signal; /* no SA_RESTART: a signal interrupts the blocking read */
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGTERM, &action, NULL);

  printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  printf("READY\n");

  char line[LINE_BYTES_MAX];
  while (!stop_requested) {
    if (fgets(line, sizeof(line), stdin) == NULL) {
      if (errno == EINTR && !stop_requested) {
        clearerr(stdin);
        continue;
      }
      break; /* end of input or a signal */
    }
    if (run_command(cluster, brokers, line) != 0) break;
  }

  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  return 0;
}
