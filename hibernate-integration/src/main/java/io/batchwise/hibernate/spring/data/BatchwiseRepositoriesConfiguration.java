package io.batchwise.hibernate.spring.data;

import java.lang.reflect.Method;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Makes the Spring Data JPA repositories of an application Batchwise repositories
 * ({@link BatchwiseJpaRepositoryFactoryBean}): every repository bean created by Spring Data's default
 * {@code JpaRepositoryFactoryBean} is created by Batchwise's subclass instead, which adds
 * {@link BatchwiseStream} and {@link KeysetRepository} and leaves everything else as it was.
 *
 * <p>Spring Boot loads it as an auto-configuration (listed in this jar's
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}); without
 * Boot, {@code @Import(BatchwiseRepositoriesConfiguration.class)}, or name the factory bean in
 * {@code @EnableJpaRepositories(repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class)}.
 * It does nothing when Spring Data JPA is not on the class path. A repository created by another
 * factory bean (a custom one of the application) is left alone, and refused at startup if one of
 * its methods carries {@link BatchwiseStream}, which it would otherwise silently ignore.
 */
@Configuration(proxyBeanMethods = false)
public class BatchwiseRepositoriesConfiguration {
    /** Spring Data's default, replaced; named, not referenced, so that this class loads without Spring Data. */
    static final String SPRING_DATA_FACTORY_BEAN = "org.springframework.data.jpa.repository.support.JpaRepositoryFactoryBean";
    static final String BATCHWISE_FACTORY_BEAN = "io.batchwise.hibernate.spring.data.BatchwiseJpaRepositoryFactoryBean";

    /** For Spring's configuration classes. */
    public BatchwiseRepositoriesConfiguration() {
    }

    /**
     * Swaps the factory bean of Spring Data's JPA repository definitions; static, as every
     * {@link BeanDefinitionRegistryPostProcessor} bean must be.
     *
     * @return the post-processor
     */
    @Bean
    public static BeanDefinitionRegistryPostProcessor batchwiseRepositoryFactoryBeans() {
        return new FactoryBeans();
    }

    private static final class FactoryBeans implements BeanDefinitionRegistryPostProcessor {
        @Override
        public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
            ClassLoader loader = FactoryBeans.class.getClassLoader();
            if (!ClassUtils.isPresent(SPRING_DATA_FACTORY_BEAN, loader)) {
                return;
            }
            for (String name : registry.getBeanDefinitionNames()) {
                BeanDefinition definition = registry.getBeanDefinition(name);
                String type = definition.getBeanClassName();
                if (SPRING_DATA_FACTORY_BEAN.equals(type)) {
                    definition.setBeanClassName(BATCHWISE_FACTORY_BEAN);
                } else if (type != null && !BATCHWISE_FACTORY_BEAN.equals(type) && isJpaFactoryBean(type, loader)) {
                    refuseAnnotated(name, definition, type, loader);
                }
            }
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
        }

        private static boolean isJpaFactoryBean(String type, ClassLoader loader) {
            try {
                return ClassUtils.forName(SPRING_DATA_FACTORY_BEAN, loader)
                        .isAssignableFrom(ClassUtils.forName(type, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }

        /** A repository of a custom factory bean with {@link BatchwiseStream} methods: refused, not ignored. */
        private static void refuseAnnotated(String name, BeanDefinition definition, String type, ClassLoader loader) {
            if (definition.getConstructorArgumentValues().getArgumentCount() == 0) {
                return;
            }
            Object repository = definition.getConstructorArgumentValues().getIndexedArgumentValues().values()
                    .iterator().next().getValue();
            Class<?> repositoryInterface;
            try {
                repositoryInterface = repository instanceof Class<?> given ? given
                        : ClassUtils.forName(String.valueOf(repository), loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return;
            }
            for (Method method : repositoryInterface.getMethods()) {
                if (AnnotatedElementUtils.hasAnnotation(method, BatchwiseStream.class)) {
                    throw new IllegalStateException("@BatchwiseStream on " + repositoryInterface.getSimpleName() + "."
                            + method.getName() + " needs a Batchwise repository, but the repository \"" + name
                            + "\" is created by " + type + "; let that factory bean extend "
                            + "BatchwiseJpaRepositoryFactoryBean, or remove the annotation");
                }
            }
        }
    }
}
