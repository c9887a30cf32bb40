/**
 * Spring Data JPA integration: {@link io.batchwise.hibernate.spring.data.BatchwiseStream} query
 * methods that walk with {@link io.batchwise.hibernate.YieldPer}, and the
 * {@link io.batchwise.hibernate.spring.data.KeysetRepository} fragment over
 * {@link io.batchwise.hibernate.EntityPager}. Spring Data JPA is an optional dependency of this jar:
 * applications that do not use Spring pull none of it. Wiring:
 * {@link io.batchwise.hibernate.spring.data.BatchwiseJpaRepositoryFactoryBean} (Spring Boot: automatic,
 * through {@link io.batchwise.hibernate.spring.data.BatchwiseRepositoriesConfiguration}).
 */
package io.batchwise.hibernate.spring.data;
