# One image per service: docker build --build-arg MODULE=api-service .
# (worker-service, audit-service likewise). Used by docker-compose.yml.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
ARG MODULE=api-service
RUN ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl ${MODULE} -am \
 && cp ${MODULE}/target/${MODULE}-*-exec.jar /app.jar

FROM eclipse-temurin:17-jre
COPY --from=build /app.jar /app/app.jar
# The worker writes certificates into a volume shared with the web tier, and backups into one the API reads;
# a new named volume takes its directory's owner from the image, so the services (uid 10001) may use them.
RUN mkdir -p /etc/nginx/hostplane-certs /srv/hostplane/sites /var/lib/hostplane/backups \
 && chown 10001 /etc/nginx/hostplane-certs /srv/hostplane/sites /var/lib/hostplane/backups \
 && chmod 750 /etc/nginx/hostplane-certs /var/lib/hostplane/backups
USER 10001
ENV SERVER_ADDRESS=0.0.0.0
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
